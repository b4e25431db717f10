"""juesuan: budget and final-account disclosures → clean, verified records.

Stages, one package each: fetch → classify → extract (native | ocr | text) → stitch → realign
→ validate → store → report. `pipeline.process.process_document` runs one document through
them; `pipeline.run.run_inputs` runs many and writes the outputs."""

__version__ = "0.1.0"
