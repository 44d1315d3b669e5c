"""The task catalog: filters in the users' terms, quarters of the yearly plan."""
from assistant.catalog import Catalog, quarter_of
from index import PlanStore


def test_quarters_from_the_time_column():
    assert quarter_of("Quý II/2024") == "Quý II" and quarter_of("Tháng 10/2024") == "Quý IV"
    assert quarter_of("Tháng 4/2024") == "Quý II" and quarter_of("quy 3") == "Quý III"
    assert quarter_of("Thường xuyên trong năm 2024") == "Cả năm" and quarter_of("") == ""


def test_filters_by_agency_plan_and_quarter(tmp_path, txt_plans):
    store = PlanStore(tmp_path)
    for plan in txt_plans.values():
        store.put(plan)
    catalog = Catalog(tmp_path)
    second_quarter = catalog.tasks(time="Quý II")
    assert {r["time"] for r in second_quarter} >= {"Quý II/2024", "Tháng 4/2024", "Tháng 6/2024"}
    assert all(r["quarter"] == "Quý II" for r in second_quarter)
    led = catalog.tasks(agency="so ngoai vu", document="dak-lak")
    assert led and all("Sở Ngoại vụ" in f"{r['lead']} {r['cooperating']}" for r in led)
    assert all(r["document"].startswith("dak-lak") for r in led)
