"""Bilingual messages for the command line, where both languages are printed."""


def bi(zh: str, en: str) -> str:
    """One line an operator can read in either language: ``中文 / English``."""
    return f"{zh} / {en}"
