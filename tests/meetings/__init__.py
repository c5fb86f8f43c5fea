"""Tests of the support-meeting lookup (rasa_project/meetings, actions/find_meeting.py)."""
