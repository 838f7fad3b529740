"""The bottom layer: plain helpers that use no models, no Flask and nothing of the app.

Text and formatting, Polish input, identifiers, plurals, grammar, crypto, exports,
uploads, the template sandbox and PDF conversion. Every layer above may import
them — models included; they import only the standard library and third-party
packages.
"""
