"""The API's OpenAPI docs page in headless Chromium: Swagger UI from the installed bundle, so it
renders with no network."""

from f1_lakehouse_tests.ops.browser import chrome, page_text, screenshot, wait_for


def test_docs_page_lists_every_table(api, exported):
    driver = chrome()
    try:
        driver.set_window_size(1400, 1000)
        driver.get(f"{api.url}/docs")
        wait_for(driver, lambda d: "/v1/driver_standings" in page_text(d))
        text = page_text(driver)
        assert "f1-lakehouse read API" in text
        assert "position<=3" in text
        assert screenshot(driver, "api-docs", height=1000).stat().st_size > 20_000
    finally:
        driver.quit()
    spec = api.get("/openapi.json").json()
    assert spec["info"]["title"] == "f1-lakehouse read API"
    # One documented path per published table, besides the listing and the generic route.
    assert set(exported.tables) <= {path.removeprefix("/v1/") for path in spec["paths"]}
