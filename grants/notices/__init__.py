"""Grant notices (Bescheide): the data a notice prints (snapshot.py), its PDF (render.py),
the handover-ceremony prints (ceremony.py). Issuing is a service: grants/services/notices.py."""
