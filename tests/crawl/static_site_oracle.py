"""Oracle of crawl_static_dir_test: what a crawl of a directory of static pages
must find, read from the files with Python's own HTML parser and URL joining.

Input JSON: {"root": DIR, "start": "index.html"}. Output JSON:
{"linked": [PATH, ...], "titles": {PATH: TITLE}}: the URL paths the start page
links to (fragment dropped, relative links resolved, a path ending in "/"
meaning its index.html), and each one's <title> text as a browser renders it
(entities decoded, whitespace runs collapsed, ends trimmed).
"""
import html.parser
import json
import os
import re
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []
        self.title = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href is not None:
                self.hrefs.append(href)
        elif tag == "title" and self.title is None:
            self._in_title = True
            self.title = ""

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def parse(root, path):
    file = path[1:] + ("index.html" if path.endswith("/") else "")
    with open(os.path.join(root, file), encoding="utf-8") as f:
        page = Page()
        page.feed(f.read())
        page.close()
        return page


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    base = "http://site.test/" + spec["start"]
    start = parse(spec["root"], "/" + spec["start"])
    linked = sorted({urllib.parse.urlsplit(urllib.parse.urljoin(base, href)).path
                     for href in start.hrefs})
    titles = {path: re.sub(r"[ \t\n\r\f]+", " ", parse(spec["root"], path).title).strip()
              for path in linked}
    with open(sys.argv[2], "w") as f:
        json.dump({"linked": linked, "titles": titles}, f)


main()
