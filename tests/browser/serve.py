#!/usr/bin/env python3
"""Browser test of `relance serve` in a real headless Chromium, through WebDriver (selenium).

Called by .ci/run: python3 tests/browser/serve.py BIN OUT. Serves a copy of the example and
the test dossiers on a free loopback port, then, as a person would: opens the portfolio,
sorts it by total due, opens the example dossier, records a payment through the form, sees
the new total, downloads the mise en demeure as PDF. Screenshots of the portfolio and of the
dossier page are kept in OUT. Exits non-zero on the first failure.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

AS_OF = "2026-06-30"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    binary, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    work = tempfile.mkdtemp(prefix="relance-browser-")
    served = os.path.join(work, "dossiers")
    shutil.copytree(os.path.join(root, "examples"), served)
    shutil.copytree(os.path.join(root, "tests", "dossiers"), os.path.join(served, "tests"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [binary, "serve", served, "--addr", f"127.0.0.1:{port}", "--as-of", AS_OF],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/static/app.css", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        run(base, out, served)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    print("browser test: 1 passed, 0 failed")


def run(base, out, served):
    options = Options()
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1800"]:
        options.add_argument(arg)
    downloads = os.path.join(out, "downloads")
    os.makedirs(downloads, exist_ok=True)
    options.add_experimental_option("prefs", {
        "download.default_directory": downloads,
        "download.prompt_for_download": False,
        "plugins.always_open_pdf_externally": True,
    })
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    # A form post reloads the page: finding an element waits for it (up to 10 s) instead
    # of failing when the new page is not yet there.
    browser.implicitly_wait(10)
    try:
        # The portfolio: totals, chart, table.
        browser.get(f"{base}/?as_of={AS_OF}")
        assert "Portefeuille" in browser.title, browser.title
        assert browser.find_element(By.CSS_SELECTOR, "svg.aging"), "aging chart"
        browser.save_screenshot(os.path.join(out, "portfolio.png"))
        # Sort by total due, descending (two clicks on the header).
        browser.find_element(By.ID, "sort-total").click()
        browser.find_element(By.ID, "sort-total").click()
        assert "dir=desc" in browser.current_url, browser.current_url
        rows = browser.find_elements(By.CSS_SELECTOR, "#dossiers tbody tr")
        assert len(rows) >= 7, len(rows)
        # Open the example dossier.
        browser.find_element(By.LINK_TEXT, "DOS-2026-0042").click()
        before = browser.find_element(By.ID, "statement-total").text
        browser.save_screenshot(os.path.join(out, "dossier.png"))
        # Record a payment through the form.
        form = browser.find_element(By.ID, "payment-form")
        form.find_element(By.NAME, "date").send_keys("15062026")
        date_value = form.find_element(By.NAME, "date").get_attribute("value")
        if date_value != "2026-06-15":
            browser.execute_script(
                "arguments[0].value = '2026-06-15'", form.find_element(By.NAME, "date"))
        form.find_element(By.NAME, "amount").send_keys("100.00")
        form.find_element(By.NAME, "reference").send_keys("VIR navigateur")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert browser.find_element(By.ID, "done"), "the page says it was recorded"
        after = browser.find_element(By.ID, "statement-total").text
        assert after != before, (before, after)
        browser.save_screenshot(os.path.join(out, "dossier-after-payment.png"))
        with open(os.path.join(served, "atelier-martin", "dossier.toml"), encoding="utf-8") as f:
            assert "VIR navigateur" in f.read()
        print(f"total due before {before!r}, after the payment {after!r}")
        # Download the mise en demeure.
        href = browser.find_element(By.ID, "pdf-mise-en-demeure").get_attribute("href")
        with urllib.request.urlopen(href) as r:
            pdf = r.read()
            assert r.headers["Content-Type"] == "application/pdf"
        assert pdf.startswith(b"%PDF"), pdf[:10]
        with open(os.path.join(downloads, "mise-en-demeure.pdf"), "wb") as f:
            f.write(pdf)
        browser.find_element(By.ID, "pdf-mise-en-demeure").click()
        print(f"mise en demeure: {len(pdf)} bytes")
    finally:
        browser.quit()


if __name__ == "__main__":
    main()
