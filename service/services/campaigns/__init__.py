"""Campaigns: HR's 360 cycle for many people, from nominations through approval and launch
to progress by team (setup, nominations, launch, progress; their emails in emails.py)."""
