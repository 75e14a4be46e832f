#!/usr/bin/env bash
# Debian packages the browser tests need: Chromium (Playwright drives it; its own
# browser download does not work offline) and CJK fonts for the screenshots.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "缺少系统软件包 / missing system packages: ${missing[*]} (apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "安装系统软件包 / installing system packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
