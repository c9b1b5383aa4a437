"""The catalog: the dataset's codes joined across the languages of translated pages."""

from scraper.catalog.build import Catalog, build_catalog
from scraper.catalog.output import catalog_json, catalog_resource, catalog_schema

__all__ = ["Catalog", "build_catalog", "catalog_json", "catalog_resource", "catalog_schema"]
