"""The no-code page for district teams (``dinamika app``): from a form export to the report.

- ``session``: the steps without widgets (upload, header choices, import, report), testable.
- ``ui``: the ipywidgets page; ``server``: Voilà on 127.0.0.1 with a session token.
- ``aplikasi.ipynb``: the one-cell notebook Voilà shows.
"""
