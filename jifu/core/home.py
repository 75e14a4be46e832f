"""KPI cards on the home page. Apps register a card function; each card is
computed from the user's restricted querysets and links to the list behind it."""

from collections.abc import Callable

_card_providers: list[tuple[int, Callable]] = []


def register(order: int):
    def decorator(func):
        _card_providers.append((order, func))
        return func

    return decorator


def cards_for(user) -> list[dict]:
    cards = []
    for _order, provider in sorted(_card_providers, key=lambda p: p[0]):
        cards.extend(provider(user) or [])
    return cards


def map_for(user):
    """The home page map (deep-poverty counties per prefecture), or None."""
    from jifu.regions.home import prefecture_map

    return prefecture_map(user)
