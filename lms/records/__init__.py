"""Learner records: one record per person (page, PDF, XLSX) and the trainers' gradebook."""
