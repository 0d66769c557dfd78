"""Admin: the accounts of this workspace and the audit trail (view and CSV export)."""

import streamlit as st

import ui.auth
import ui.state
from geo import audit
from geo.access import AccountStore
from geo.i18n import t

lang = ui.state.page_setup("page_admin")
ui.auth.require("page.admin", lang)
st.title(t("page_admin", lang))

st.subheader(t("admin_users", lang))
users = AccountStore(ui.state.workspace_dir()).list()
if len(users):
    st.dataframe(users, hide_index=True, width="stretch", key="admin_users_table")
else:
    st.caption(t("admin_no_users", lang))
st.caption(t("admin_users_help", lang))

st.subheader(t("admin_audit", lang))
ui.auth.require("view_audit", lang)
trail = audit.entries(ui.state.workspace_dir(), limit=500)
st.dataframe(trail, hide_index=True, width="stretch", key="admin_audit_table")
st.download_button(t("admin_audit_download", lang), audit.csv_bytes(ui.state.workspace_dir()),
                   file_name="audit_trail.csv", mime="text/csv", key="download_audit",
                   on_click=ui.auth.on_download, args=("audit_trail.csv",))
