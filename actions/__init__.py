"""Every action staff, producers and the committee take, as typed functions both faces call."""
