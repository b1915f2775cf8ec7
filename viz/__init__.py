"""Chain maps (产业链图谱): interactive HTML and static SVG."""
