"""json_output: the JSON document is strict (no Infinity, no NaN) and keeps exact values beside the floats."""
import json

import mpmath

import symback


def _spec(tmp_path, text: str):
    path = tmp_path / "spec.toml"
    path.write_text(text)
    return symback.load_spec(path)


def test_json_is_strict_and_keeps_exact_values_beside_the_floats(tmp_path):
    spec = _spec(tmp_path, 'loss = "L"\n[inputs]\nx = 1e-400\nz = 1e400\n[params]\nw = 2\n'
                           '[nodes]\nbig = "exp(z/1e397)*w"\nL = "w*x + big"\n')
    data = symback.solve(spec).to_json()
    text = json.dumps(data, allow_nan=False)  # no Infinity, no NaN
    assert json.loads(text) == data
    assert data["values"]["x"] is None and data["exact"]["values"]["x"] == "1/1" + "0" * 400
    assert data["values"]["big"] is None and data["values"]["z"] is None and data["exact"]["values"]["z"] == str(10**400)
    with mpmath.workdps(60):
        big = mpmath.mpf(data["exact"]["values"]["big"])
        assert abs(big / (2 * mpmath.exp(1000)) - 1) < mpmath.mpf(10) ** -45
    assert data["gradients"]["x"] == 2 and data["gradients"]["w"] is None
    small = _spec(tmp_path, 'loss = "L"\nlearning_rate = 0.5\n[params]\nw = 1e-320\n[nodes]\nL = "w^2 + w"\n')
    data = symback.solve(small).to_json()
    json.dumps(data, allow_nan=False)
    assert data["exact"]["learning_rate"] == "1/2" and data["values"]["w"] is None  # subnormal in float64
    assert data["updated"]["w"] == -0.5 and data["exact"]["updated"]["w"] == "-1/2"  # w - (2w + 1)/2


