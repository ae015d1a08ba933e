"""Page 诉求地图: the complaints received in a period per area (district, street, community — the level
chosen), as circles on a map where the areas have coordinates (their size and colour grow with the count),
the areas without coordinates named below, a table and a CSV file."""

from __future__ import annotations

import math

import pydeck as pdk
import streamlit as st

from ui.client import ApiError
from ui.session import Translate, client, current_translator, handle_api_error
from ui.views.complaint_kpis import level_picker
from ui.hotline import tree_index, tree_label, tree_rows
from ui.views.hotspots import is_number
from ui.widgets import csv_bytes, period_input, tiles

MEASURE = "received"  # the KPI drawn: complaints received in the period
MIN_RADIUS, MAX_RADIUS = 6, 40  # pixels, whatever the zoom
LOW, HIGH = (255, 190, 60), (215, 40, 40)  # amber for the fewest, red for the most
ALPHA = 180
MIN_ZOOM, MAX_ZOOM = 3, 12
FIELDS = ("key", "name", "received", "lat", "lon")


def coordinates(areas: list[dict]) -> dict[str, tuple[float, float]]:
    """code -> (lat, lon) of the areas that have both, within WGS-84's bounds."""
    located = {}
    for row in areas:
        lat, lon = row.get("lat"), row.get("lon")
        if is_number(lat) and is_number(lon) and -90 <= lat <= 90 and -180 <= lon <= 180:
            located[row.get("code")] = (float(lat), float(lon))
    return located


def map_points(items: list[dict], areas: list[dict]) -> list[dict]:
    """A point per area with complaints and coordinates: its count, where it is, and its circle's radius
    (by the square root, so the area grows with the count) and colour; the most first."""
    located = coordinates(areas)
    counted = [(i, i.get(MEASURE)) for i in items if is_number(i.get(MEASURE)) and i.get(MEASURE) > 0]
    most = max((count for _, count in counted), default=0)
    points = []
    for item, count in counted:
        if item.get("key") not in located:
            continue
        lat, lon = located[item["key"]]
        share = math.sqrt(count / most) if most else 0.0
        colour = [round(low + (high - low) * share) for low, high in zip(LOW, HIGH)]
        points.append({"key": item["key"], "name": item.get("name") or item["key"], "received": count,
                       "lat": lat, "lon": lon, "radius": round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * share, 1),
                       "colour": [*colour, ALPHA]})
    return sorted(points, key=lambda p: -p["received"])


def unlocated(items: list[dict], areas: list[dict]) -> list[dict]:
    """The areas with complaints that cannot be placed on the map (no coordinates, or not in the catalogue)."""
    located = coordinates(areas)
    return [i for i in items if is_number(i.get(MEASURE)) and i.get(MEASURE) > 0 and i.get("key") not in located]


def view_of(points: list[dict]) -> dict:
    """The centre of the points and a zoom that shows them all."""
    lats, lons = [p["lat"] for p in points], [p["lon"] for p in points]
    span = max(max(lats) - min(lats), max(lons) - min(lons), 0.01)
    zoom = min(MAX_ZOOM, max(MIN_ZOOM, math.floor(math.log2(360 / span)) - 1))
    return {"latitude": (max(lats) + min(lats)) / 2, "longitude": (max(lons) + min(lons)) / 2, "zoom": zoom}


def complaint_deck(t: Translate, points: list[dict]) -> pdk.Deck:
    layer = pdk.Layer("ScatterplotLayer", data=points, id="complaints", get_position="[lon, lat]",
                      get_radius="radius", radius_units="pixels", get_fill_color="colour", get_line_color=[90, 20, 20],
                      line_width_min_pixels=1, stroked=True, pickable=True)
    return pdk.Deck(layers=[layer], initial_view_state=pdk.ViewState(**view_of(points)), map_style=None,
                    tooltip={"html": "<b>{name}</b><br/>" + t("map_tooltip", count="{received}")})


def map_rows(t: Translate, points: list[dict], areas: dict[str, dict]) -> list[dict]:
    return [{t("col_area"): tree_label(p["key"], areas) if p["key"] in areas else p["name"],
             t("kpi_received"): p["received"], t("col_lat"): p["lat"], t("col_lon"): p["lon"]} for p in points]


def points_csv(points: list[dict]) -> bytes:
    return csv_bytes(FIELDS, points)


def render() -> None:
    t = current_translator()
    st.header(t("complaint_map_title"))
    col_level, col_period = st.columns([1, 3], vertical_alignment="bottom")
    with col_level:
        level = level_picker(t, "area", "mp_level")
    with col_period:
        start, end = period_input(t, "mp")
    if start > end:
        st.warning(t("period_reversed"))
        return
    areas = tree_rows("areas")
    try:
        body = client().complaint_kpis(start, end, "area", level)
    except ApiError as err:
        handle_api_error(err, t)
        return
    items = body.get("items") or []
    points, missing = map_points(items, areas), unlocated(items, areas)
    total = (body.get("total") or {}).get(MEASURE)
    tiles([(t("kpi_received"), total), (t("map_areas"), len(points)),
           (t("map_on_map"), sum(p["received"] for p in points)),
           (t("map_not_on_map"), sum(i.get(MEASURE) or 0 for i in missing))], per_row=4)
    if not points:
        st.info(t("map_no_points"))
    else:
        st.pydeck_chart(complaint_deck(t, points), height=560)
        st.caption(t("map_legend"))
    if missing:
        st.caption(t("map_missing", areas=t("list_separator").join(
            f"{i.get('name') or i.get('key')} ({i.get(MEASURE)})" for i in missing)))
    if points:
        st.dataframe(map_rows(t, points, tree_index(areas)), hide_index=True,
                     column_config={t("col_lat"): st.column_config.NumberColumn(format="%.5f"),
                                    t("col_lon"): st.column_config.NumberColumn(format="%.5f")})
        st.download_button(t("download_csv"), data=points_csv(points), mime="text/csv", icon=":material/download:",
                           file_name=f"sunlight-complaint-map-{start}-{end}-level{level}.csv", key="mp_csv")


if __name__ == "__main__":  # st.navigation runs this file as __main__; importing it renders nothing
    render()
