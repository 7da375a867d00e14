"""The producers' face of wipflow: pages behind the signed links in their messages, in their
language, served by uvicorn (`starter.py web`). Like the command line, it calls the layer
(readmodels/, actions/) and holds no SQL and no rule of its own."""
