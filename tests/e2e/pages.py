"""What every browser journey does: log in as one of the test accounts."""

from playwright.sync_api import Page, expect

# The password tests.factories gives every account.
PASSWORD = "correct horse battery"


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    expect(page).to_have_url(f"{base_url}/admin/")
    expect(page.locator("#user-tools")).to_be_visible()
