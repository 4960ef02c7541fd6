"""memory: the knowledge base of slow -> fast example pairs (docs/memory.md).

entry.py (KBEntry, normalization), tokens.py (offline o200k counts), embed_ngram.py and
embedders.py (the embedder registry), index.py (FAISS, version stamp), pairs_db.py
(SQLite), kb.py (KnowledgeBase: open / add / retrieve with self-match), pie.py (PIE
ingestion), seed_kb.py (packaged seeds, the default KB).
"""
