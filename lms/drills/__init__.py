"""Live emergency drills: trainees act as duty supervisor on a simulated call center."""
