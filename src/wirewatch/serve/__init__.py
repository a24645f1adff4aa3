"""The web app and JSON API over the database. Not built yet: issue #8."""
