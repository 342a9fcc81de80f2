"""Colours anyone can tell apart: the Okabe-Ito palette, and how to check that claim.

Okabe & Ito (2008) chose eight colours that stay distinct for the common forms of colour-vision
deficiency. The check is done here rather than trusted: a colour is simulated as seen with
protanopia, deuteranopia and tritanopia (the linear-RGB matrices of Machado, Oliveira & Fernandes
2009 at full severity), converted to CIE L*a*b* (D65), and pairs are compared by their CIE76
distance. tests/test_view_palette.py checks every pair of legend colours with these functions.
"""

from __future__ import annotations

import math

# Okabe-Ito, as published (the yellow is left out: it vanishes on white)
BLACK = "#000000"
ORANGE = "#e69f00"
SKY_BLUE = "#56b4e9"
BLUISH_GREEN = "#009e73"
BLUE = "#0072b2"
VERMILLION = "#d55e00"
REDDISH_PURPLE = "#cc79a7"
GREY = "#999999"

# Machado et al. 2009, severity 1.0, applied to linear RGB
_DEFICIENCIES: dict[str, tuple[tuple[float, float, float], ...]] = {
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216), (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602), (0.004733, 0.691367, 0.303900)),
}
VISIONS = ("normal", *_DEFICIENCIES)


def _linear(hex_colour: str) -> tuple[float, float, float]:
    value = hex_colour.lstrip("#")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    out = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return out[0], out[1], out[2]


def seen_as(hex_colour: str, vision: str) -> tuple[float, float, float]:
    """Linear RGB of the colour as perceived with ``vision`` (one of VISIONS)."""
    rgb = _linear(hex_colour)
    if vision == "normal":
        return rgb
    matrix = _DEFICIENCIES[vision]
    mixed = [min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix]
    return mixed[0], mixed[1], mixed[2]


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def distance(a: str, b: str, vision: str = "normal") -> float:
    """CIE76 colour difference of two hex colours as seen with ``vision``."""
    return math.dist(_lab(seen_as(a, vision)), _lab(seen_as(b, vision)))


def worst_distance(a: str, b: str) -> float:
    """The smallest difference over normal vision and the three dichromacies."""
    return min(distance(a, b, vision) for vision in VISIONS)


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21)."""
    def luminance(colour: str) -> float:
        r, g, b = _linear(colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
