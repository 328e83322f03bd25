"""Serves the JupyterLab front end built in build/ (npm run build in this folder)
with jupyterlab_server, which Debian packages (python3-jupyterlab-server) even
though it does not package JupyterLab itself.

    PYTHONPATH=frontends/jupyterlab-app python3 -m course_lab --ServerApp.root_dir=. ...

Debian 12 has jupyter_server 1.23; JupyterLab 4's front end also calls two
endpoints that arrived in jupyter_server 2 (/api/me, /api/events/subscribe).
They are provided here, minimally, so the front end does not log errors or
retry forever. Its settings are validated with JSON Schema draft 7, as in
later jupyterlab_server releases (see _validate_settings_as_draft7).
"""
import json
import os
import sys

from jsonschema import Draft4Validator, Draft7Validator
from jupyter_server.base.handlers import APIHandler
from jupyterlab_server import LabServerApp, settings_utils
from tornado import web, websocket

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))  # frontends/jupyterlab-app -> the course
BUILD = os.path.join(HERE, "build")
# Per-user settings and workspaces stay in the project's own (git-ignored)
# Jupyter folder; the browser tests point COURSE_LAB_STATE at a scratch folder.
STATE = os.environ.get("COURSE_LAB_STATE") or os.path.join(ROOT, ".jupyter", "lab")


class MeHandler(APIHandler):
    """jupyter_server 2's /api/me: who the user is and what they may do."""

    @web.authenticated
    def get(self):
        self.finish(json.dumps({
            "identity": {"username": "student", "name": "Student", "display_name": "Student",
                         "initials": "S", "avatar_url": None, "color": None},
            "permissions": {},
        }))


class EventsHandler(websocket.WebSocketHandler):
    """jupyter_server 2's /api/events/subscribe. This server emits no events;
    accepting the socket is what stops the front end's reconnect loop."""

    def check_origin(self, origin):
        return origin.startswith(("http://127.0.0.1:", "http://localhost:"))

    def on_message(self, message):
        pass


def _validate_settings_as_draft7():
    """Makes jupyterlab_server validate settings with JSON Schema draft 7.

    JupyterLab 4's schemas are draft 7: a setting's choices come as
    `oneOf: [{"const": "defer", "title": "Defer"}, ...]` so that each has a
    translatable label (Settings -> Notebook -> Windowing mode, and others).
    Debian's jupyterlab_server 2.16 validates with Draft4Validator, which does
    not know `const` (a draft 6 keyword) and ignores it: every branch then
    matches, `oneOf` fails, and saving answers 400 "'none' is valid under each
    of ..."; a value saved by hand is dropped on reading, with a warning.
    Upstream jupyterlab_server made this same switch to Draft7Validator in
    November 2023 (its PR #423, for JupyterLab issue #15391), to match the
    front end's own validator.

    settings_utils looks up its module-level `Validator` on every call: when it
    checks a schema, reads user settings (GET) and saves them (PUT). Rebinding
    it therefore fixes all three paths in one line, and keeps validation: a
    value outside the choices is still refused with 400. Subclassing the
    handler instead would mean copying save_settings and get_settings.
    Debian's python3-jsonschema 4.10 has Draft7Validator (and 2020-12, which
    the schemas do not use). Only Draft4Validator is replaced, so a newer
    jupyterlab_server keeps whatever it chose.
    """
    if getattr(settings_utils, "Validator", None) is Draft4Validator:
        settings_utils.Validator = Draft7Validator


class CourseLab(LabServerApp):
    name = "course_lab"
    extension_url = "/lab"
    default_url = "/lab"
    app_name = "JupyterLab"
    load_other_extensions = False
    app_dir = HERE
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    schemas_dir = os.path.join(BUILD, "schemas")
    themes_dir = os.path.join(BUILD, "themes")
    # overrides.json: no news pop-up (it would fetch from the internet).
    app_settings_dir = os.path.join(HERE, "app-settings")
    user_settings_dir = os.path.join(STATE, "user-settings")
    workspaces_dir = os.path.join(STATE, "workspaces")

    def initialize_settings(self):
        super().initialize_settings()
        page = self.settings.setdefault("page_config_data", {})
        page["token"] = self.serverapp.token
        # The front end's router builds every URL on this; without it, it
        # navigates to "http://lab/tree/…" and the browser refuses.
        page["baseUrl"] = self.serverapp.base_url
        # At start-up, not import: importing this module changes nothing.
        _validate_settings_as_draft7()

    def initialize_handlers(self):
        super().initialize_handlers()
        self.handlers.extend([(r"/api/me", MeHandler), (r"/api/events/subscribe", EventsHandler)])


def _jupyter_server_extension_points():
    # How jupyter_server finds the application in the module it launches.
    return [{"module": "course_lab", "app": CourseLab}]


if __name__ == "__main__":
    if not os.path.exists(os.path.join(BUILD, "bundle.js")):
        sys.exit(f"JupyterLab's front end is not built: run `npm start` (it builds it) or `npm run build` in {HERE}.")
    sys.exit(CourseLab.launch_instance())
