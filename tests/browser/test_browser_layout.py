"""The public pages in headless Chromium: they fit a 390 px wide phone without
horizontal scrolling, and the home page's links reach WCAG's 4.5:1 contrast."""
from __future__ import annotations

import pytest

from support.browser import Person
from support.portal import procurement

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "clean_queues")]

PHONE = 390

# the elements wider than the viewport (their right edge past it), for the message
OVERFLOWING = """
const width = document.documentElement.clientWidth;
return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 0.5)
  .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.')
                    + ' ' + Math.round(e.getBoundingClientRect().right));
"""

# each visible link among text (inline, beside other text): whether it is underlined,
# and its colour's contrast with the text around it (WCAG 1.4.1 asks 3:1 without an underline)
AMONG_TEXT = """
function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2]}; }
function lum(c) { return [c.r, c.g, c.b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
                  .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0); }
return [...document.querySelectorAll(arguments[0] + ' a')]
  .filter(a => a.offsetParent !== null && getComputedStyle(a).display === 'inline'
               && a.parentElement.textContent.trim() !== a.textContent.trim())
  .map(a => { const f = lum(rgb(getComputedStyle(a).color)), t = lum(rgb(getComputedStyle(a.parentElement).color));
              return [a.textContent.trim().slice(0, 40), getComputedStyle(a).textDecorationLine.includes('underline'),
                      (Math.max(f, t) + 0.05) / (Math.min(f, t) + 0.05)]; });
"""

# each visible link's text colour against the background it is drawn on (the
# first ancestor with an opaque one), as WCAG computes the contrast ratio
CONTRASTS = """
function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
function lum(c) { return [c.r, c.g, c.b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
                  .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0); }
function background(e) { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; }
                          return {r: 255, g: 255, b: 255, a: 1}; }
return [...document.querySelectorAll(arguments[0] + ' a')].filter(a => a.offsetParent !== null && a.textContent.trim())
  .map(a => { const f = lum(rgb(getComputedStyle(a).color)), b = lum(background(a));
              return [a.textContent.trim().slice(0, 40), (Math.max(f, b) + 0.05) / (Math.min(f, b) + 0.05)]; });
"""


def phone(browser) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": PHONE, "height": 844, "deviceScaleFactor": 1, "mobile": True})


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_oit_home_and_channels_pages_fit_a_390px_phone(live_server, browser, office, prefix):
    dataset = procurement(office, "2025-10", "published")
    org, name = office.org["name"], dataset["name"]
    resource = f"/dataset/{name}/resource/{dataset['resources'][0]['id']}"
    person = Person(browser, live_server)
    phone(browser)
    for path in (f"/oit/{org}/2569", f"/oit/{org}", "/", f"/oit/{org}/questions", f"/oit/{org}/feedback",
                 f"/oit/{org}/complaints/new", "/oit/complaints/status", f"/oit/{org}/2569/procurement-monthly-summary",
                 f"/dataset/{name}", resource):
        person.go(prefix + path)
        assert browser.execute_script("return document.documentElement.clientWidth") == PHONE
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= PHONE, (path, width, browser.execute_script(OVERFLOWING))
        if path.startswith("/dataset/"):  # the dataset's own content first, CKAN's sidebar under it
            parts = [".module-resource", ".primary", ".secondary"] if "/resource/" in path else [".primary", ".secondary"]
            tops = browser.execute_script("return arguments[0].map(s => document.querySelector("
                                          "'.wrapper > ' + s).getBoundingClientRect().top)", parts)
            assert tops == sorted(tops), (path, parts, tops)


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_home_pages_links_reach_4_5_to_1_and_stand_out_from_the_text(live_server, browser, office, prefix):
    procurement(office, "2025-10", "published")
    person = Person(browser, live_server)
    person.go(prefix + "/")
    contrasts = browser.execute_script(CONTRASTS, "body")
    assert len(contrasts) > 10
    low = [(text, round(ratio, 2)) for text, ratio in contrasts if ratio < 4.5]
    assert low == [], low
    among_text = browser.execute_script(AMONG_TEXT, "main.oit-home")
    assert len(among_text) >= 3  # the latest dataset, "see all", the agencies
    hidden = [(text, round(ratio, 2)) for text, underlined, ratio in among_text if not underlined and ratio < 3]
    assert hidden == [], hidden
