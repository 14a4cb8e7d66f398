"""The rules module: pure Python, no Django. Facts in, a Decision out."""
