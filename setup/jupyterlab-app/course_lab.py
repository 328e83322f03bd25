"""Serves the JupyterLab front end built in build/ (npm run build in this folder)
with jupyterlab_server, which Debian packages (python3-jupyterlab-server) even
though it does not package JupyterLab itself.

    PYTHONPATH=setup/jupyterlab-app python3 -m course_lab --ServerApp.root_dir=. ...

Debian 12 has jupyter_server 1.23; JupyterLab 4's front end also calls two
endpoints that arrived in jupyter_server 2 (/api/me, /api/events/subscribe).
They are provided here, minimally, so the front end does not log errors or
retry forever.
"""
import json
import os
import sys

from jupyter_server.base.handlers import APIHandler
from jupyterlab_server import LabServerApp
from tornado import web, websocket

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))  # setup/jupyterlab-app -> the course
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
