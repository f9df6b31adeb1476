"""Benchmarks at national scale: `python -m benchmarks.generate`, then `python -m benchmarks.run`.

See docs/performance.md.
"""
