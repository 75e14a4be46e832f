"""The left menu, grouped by capability; each item shows only with its permission.

Apps register their groups in ``AppConfig.ready`` (or at import of their
``menu.py``) so the shell knows nothing about any one app.
"""

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None
    icon: str = ""


@dataclass
class MenuGroup:
    key: str
    label: str
    order: int
    items: list[MenuItem] = field(default_factory=list)


_groups: dict[str, MenuGroup] = {}


def register(key: str, label: str, order: int, *items: MenuItem) -> None:
    group = _groups.setdefault(key, MenuGroup(key, label, order))
    for item in items:
        if item not in group.items:
            group.items.append(item)


def for_user(user, current_path: str = "") -> list[dict]:
    """Groups and items the user may use, with the active item marked."""
    out = []
    for group in sorted(_groups.values(), key=lambda g: g.order):
        items = []
        for item in group.items:
            if item.permission and not user.has_perm(item.permission):
                continue
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            active = current_path == url or (url != "/" and current_path.startswith(url))
            items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
        if items:
            out.append(
                {"label": group.label, "items": items, "active": any(i["active"] for i in items)}
            )
    return out
