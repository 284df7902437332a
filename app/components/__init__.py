"""Widgets and state shared by the dashboard's pages."""
