"""Case data in and out as interchange files (docs/interchange.md): importing §1 cases
(``cases``, held column by column in ``columnar`` and written in bulk by ``bulk``) and §2
workforce files (``workforce``), and exporting §1 (``export``).

Call them through ``candour.cases.services`` (``import_cases``, ``import_workforce``,
``export_cases``): the services are the one path that writes case data."""
