"""The booth's widgets, one a file: header, feed, alarm banner, key bar, safe text and input."""
