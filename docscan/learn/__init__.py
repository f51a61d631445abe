"""The research workbench: corpus I/O, training, evaluation, safe model files, rules+model fusion.

Nothing here is imported by the default scan path except :mod:`docscan.learn.fuse` (called by the rule
engine when ``config.use_model``), which loads a compact numpy model lazily, once, and never imports
scikit-learn or spaCy.

Modules: ``corpus`` (JSONL corpus: load, check, stats), ``features`` (text preparation shared by training
and inference), ``train`` (scikit-learn / spaCy backends, threshold tuning), ``compact`` (numpy-only
inference), ``persist`` (skops with an explicit trusted list, model directories), ``fuse`` (rules+model),
``evaluate`` (P/R/F1 per category and mode), ``interop`` (Label Studio, doccano, spaCy DocBin), ``annotate``
(pre-annotation).
"""
