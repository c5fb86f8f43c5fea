"""`python -m rasa_project.bench` (make bench): accuracy, latency and load, written to results/."""
