"""`python -m pipeline.catalog [docs/schema.md]`: rewrite the catalog's part of the schema
document (table keys and canonical columns) from the catalog itself."""
import re
import sys
from pathlib import Path

from pipeline.catalog import describe_tables

path = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/schema.md")
text = path.read_text(encoding="utf-8")
block = re.compile(r"(<!-- catalog:tables -->\n).*?(<!-- /catalog:tables -->)", re.S)
path.write_text(block.sub(lambda m: m.group(1) + describe_tables() + m.group(2), text), encoding="utf-8")
