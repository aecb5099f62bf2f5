"""A person at the browser (headless Chromium, driven by Selenium); the fixtures
browser and live_server are in tests/browser/conftest.py."""
from __future__ import annotations

from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "Browser#2569"  # of the users the browser tests create


class Person:
    def __init__(self, driver, base):
        self.driver, self.base = driver, base

    def go(self, path: str):
        self.driver.get(self.base + path)

    def login(self, name: str):
        self.driver.delete_all_cookies()
        self.go("/user/login")
        # on a busy machine the form may not take keys the moment the page is there
        WebDriverWait(self.driver, 15).until(ready.element_to_be_clickable((By.ID, "field-login"))).send_keys(name)
        password = self.driver.find_element(By.ID, "field-password")
        password.send_keys(PASSWORD)
        password.find_element(By.XPATH, "ancestor::form//button[@type='submit']").click()
        WebDriverWait(self.driver, 15).until(lambda d: "/user/login" not in d.current_url)

    def click(self, element_id: str):
        self.press(f"#{element_id}")

    def press(self, css: str):
        """Click as a user would, once the button is there (scrolled into view first)."""
        button = WebDriverWait(self.driver, 15).until(ready.element_to_be_clickable((By.CSS_SELECTOR, css)))
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        posts = self.driver.execute_script(
            "var f = arguments[0].form; return !!f && arguments[0].type === 'submit'"
            " && (f.getAttribute('method') || '').toLowerCase() === 'post'", button)
        page = self.driver.find_element(By.TAG_NAME, "html")
        # a dispatched click: CKAN's sticky footer may lie over the button at the page's end
        self.driver.execute_script("arguments[0].click()", button)
        if posts:  # the answer is in (and its session cookie set) before the next step reads or logs out
            WebDriverWait(self.driver, 15).until(ready.staleness_of(page))
            WebDriverWait(self.driver, 15).until(
                lambda d: d.execute_script("return document.readyState") == "complete")

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def status(self) -> str:
        return self.driver.find_element(By.CSS_SELECTOR, ".oit-workflow .oit-status").text


class Walker(Person):
    """A person who reaches every page by clicking, counting the clicks of each journey
    (typing is not a click); ``shots`` is where ``shoot`` saves the page."""

    def __init__(self, driver, base, shots=None):
        super().__init__(driver, base)
        self.shots, self.clicks, self.journey = shots, {}, None

    def begin(self, journey: str):
        self.journey = journey
        self.clicks.setdefault(journey, 0)

    def tap(self, element):
        """element.click() as a user would (scrolled into view first), counted; the
        answer of a post is waited for, as in press()."""
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        posts = self.driver.execute_script(
            "var f = arguments[0].form; return !!f && arguments[0].type === 'submit'"
            " && (f.getAttribute('method') || '').toLowerCase() === 'post'", element)
        page = self.driver.find_element(By.TAG_NAME, "html")
        try:
            element.click()
        except ElementClickInterceptedException:  # CKAN's sticky footer over a button at the page's end
            self.driver.execute_script("arguments[0].click()", element)
        self.clicks[self.journey] += 1
        if posts:
            WebDriverWait(self.driver, 30).until(ready.staleness_of(page))
        WebDriverWait(self.driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def tap_css(self, css: str):
        self.tap(WebDriverWait(self.driver, 15).until(ready.element_to_be_clickable((By.CSS_SELECTOR, css))))

    def tap_xpath(self, xpath: str):
        self.tap(WebDriverWait(self.driver, 15).until(ready.element_to_be_clickable((By.XPATH, xpath))))

    def tap_link(self, text: str, within: str = "body"):
        """The link whose text holds ``text`` (inside the element ``within`` selects)."""
        self.tap(WebDriverWait(self.driver, 15).until(ready.element_to_be_clickable(
            (By.CSS_SELECTOR, within))).find_element(By.PARTIAL_LINK_TEXT, text))

    def login_from_header(self, name: str):
        """From any page: the header's login link, the name and password, the button."""
        self.tap_css(".account-masthead a[href*='/user/login']")
        WebDriverWait(self.driver, 15).until(ready.element_to_be_clickable((By.ID, "field-login"))).send_keys(name)
        password = self.driver.find_element(By.ID, "field-password")
        password.send_keys(PASSWORD)
        self.tap(password.find_element(By.XPATH, "ancestor::form//button[@type='submit']"))
        WebDriverWait(self.driver, 15).until(lambda d: "/user/login" not in d.current_url)

    def logout_from_header(self):
        """The header's log-out button; CKAN then shows its "logged out" page."""
        self.tap_css(".account-masthead form[action*='/user/_logout'] button[type=submit]")

    def leave_to_home(self):
        """Log out from the header, then the logo: the home page, for the next person."""
        self.logout_from_header()
        self.tap_css(".masthead a.logo, .masthead .logo a, header a[href='/']")
        WebDriverWait(self.driver, 15).until(lambda d: d.find_elements(By.ID, "oit-home-q"))

    def shoot(self, name: str):
        if self.shots is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            self.driver.save_screenshot(str(self.shots / f"{name}.png"))


class WholePage(Walker):
    def shoot(self, name: str):
        """The whole page, not only the window: the window grows to the page's height for the picture."""
        if self.shots is None:
            return
        self.shots.mkdir(parents=True, exist_ok=True)
        width, height = (self.driver.get_window_size()[k] for k in ("width", "height"))
        whole = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(width, max(height, whole + 140))
        try:
            self.driver.save_screenshot(str(self.shots / f"{name}.png"))
        finally:
            self.driver.set_window_size(width, height)
