"""The Teams app package: manifest template, English texts, icons, and the zip builder."""
