"""Co-op Works: software for a user-led employment co-operative. The web application is made by
`coop.app.create_app`; importing an area (its models and services) does not load the web app."""
