"""SiteContent → HTML pages (Jinja2 templates, every value escaped)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from pipeline.site.content import SiteContent
from pipeline.texts import site as txt

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"


@dataclass(frozen=True)
class NavItem:
    href: str
    label: str


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=True, trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.globals["T"] = txt
    return env


def navigation(site: SiteContent) -> list[NavItem]:
    items = [NavItem("index.html", txt.NAV_TOP)]
    items += [NavItem(p.href, f"{txt.NAV_POLICIES} {p.code}") for p in site.policies]
    items.append(NavItem("partners.html", txt.NAV_PARTNERS))
    if site.operations is not None:
        items.append(NavItem("operations.html", txt.NAV_OPERATIONS))
    items += [NavItem("opinions.html", txt.NAV_OPINIONS), NavItem("downloads.html", txt.NAV_DOWNLOADS)]
    return items


def pages(site: SiteContent, downloads: dict) -> dict[str, str]:
    """File name → HTML of every page."""
    env = environment()
    nav = navigation(site)

    def page(template: str, name: str, title: str, **extra) -> tuple[str, str]:
        html = env.get_template(template).render(site=site, nav=nav, current=name,
                                                 page_title=title, **extra)
        return name, html

    out = dict([page("index.html", "index.html", txt.TOP_TITLE)])
    for p in site.policies:
        out.update([page("policy.html", p.href, p.title, p=p)])
    out.update([page("partners.html", "partners.html", txt.PARTNERS_TITLE)])
    if site.operations is not None:
        out.update([page("operations.html", "operations.html", txt.OPERATIONS_TITLE)])
    out.update([page("opinions.html", "opinions.html", txt.OPINIONS_TITLE)])
    out.update([page("downloads.html", "downloads.html", txt.DOWNLOADS_TITLE, **downloads)])
    return out
