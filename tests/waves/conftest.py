from __future__ import annotations

import geopandas as gpd
import pytest
from shapely import box


@pytest.fixture
def villages() -> gpd.GeoDataFrame:
    """Two square villages side by side (codes only are used by most tests)."""
    return gpd.GeoDataFrame(
        {"village_code": ["35.73.01.1001", "35.73.01.1002"]},
        geometry=[box(112.0, -8.0, 112.1, -7.9), box(112.1, -8.0, 112.2, -7.9)], crs=4326)
