"""The OpenAPI document: it loads, and every operation says what it does and answers."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client, user):
    client.force_login(user)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_document_is_openapi_3_with_both_ways_to_authenticate(document):
    assert document["openapi"].startswith("3.")
    assert set(document["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_document_is_valid_openapi(document):
    from openapi_spec_validator import validate

    validate(document)  # raises on any error


def test_every_operation_has_a_summary_and_typed_responses(document):
    ops = list(operations(document))
    assert len(ops) >= 25
    for path, method, operation in ops:
        assert operation.get("summary"), (path, method)
        assert operation.get("security"), (path, method)
        responses = operation["responses"]
        assert {"401", "429"} <= set(responses), (path, method)
        success = [code for code in responses if code.startswith("2")]
        assert success, (path, method)
        for code in success:
            if code == "204":
                continue
            content = responses[code]["content"]["application/json"]["schema"]
            assert "$ref" in content or content.get("type") == "array", (path, method, code)


def test_every_reference_resolves(document):
    schemas = document["components"]["schemas"]

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(document):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas


def test_the_docs_page_serves_swagger_from_this_site(client, user):
    client.force_login(user)
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
