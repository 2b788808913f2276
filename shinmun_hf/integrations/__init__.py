"""The widget and components for sites built with other generators.

- :mod:`.markdown_extension`: a Python-Markdown extension (``shinmun_hf``) with the ``@@``
  component directives and ``@@hf-chat[id]``, for any Python-Markdown site;
- :mod:`.widget_bundle`: the prebuilt ``<hf-chat>`` widget the wheel ships (``make widget``);
- :mod:`.widget_export`: its files, callback page and snippet (``shinmun widget export DIR``);
- :mod:`.mkdocs_plugin` and ``pelican.plugins.shinmun_hf``: thin adapters for MkDocs (and
  ProperDocs) and Pelican.
"""
