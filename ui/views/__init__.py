"""The console's pages, one file each, run by st.navigation in ui/app.py."""
