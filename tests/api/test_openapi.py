"""The OpenAPI document: it loads, and every operation says what it does and answers."""

import json
import re

import pytest
from django.urls import reverse

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


def test_document_names_each_key_once(client, user):
    """A key written twice is valid JSON, but not to the docs' reader (js-yaml), which
    then showed no operation at all: the answers 400 and "400" were both written."""
    client.force_login(user)

    def once(pairs):
        keys = [key for key, _value in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=once)


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


@pytest.mark.parametrize(
    ("path", "parameters"),
    [
        ("/papers", "topic"),
        ("/models", "organization"),
        ("/notes", "tag"),
        ("/notes", "group"),
        ("/meetings", "paper"),
        ("/comments", "note"),
        ("/reading-status", "paper"),
    ],
)
def test_lists_document_the_400_of_a_filter_naming_nothing(document, path, parameters):
    operation = document["paths"][f"/api/v1{path}"]["get"]
    answer = operation["responses"]["400"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/UnknownValue"}
    schema = document["components"]["schemas"]["UnknownValue"]
    assert set(schema["required"]) == {"detail", "parameter", "value", "alike"}
    assert f"``{parameters}``" in operation["description"]
    assert "400" in operation["description"]


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
    # Every script and stylesheet from this site; a random CSRF token may hold "cdn".
    sources = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert sources and all(url.startswith("/") for url in sources), sources


def test_the_docs_page_fits_a_phone_and_leads_back_to_the_site(client, user):
    """ninja's page laid out at 980 px on a phone, with no way back to the site."""
    client.force_login(user)
    page = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<html lang="zh-hans">' in page
    assert f'<a href="{reverse("reading:home")}">← LLM 读书会</a>' in page
    assert f'<a href="{reverse("api:tokens")}">API 令牌</a>' in page


def test_api_leads_to_the_docs(client, user):
    client.force_login(user)
    assert client.get("/api/")["Location"] == "/api/v1/docs"


def test_every_operation_with_a_body_documents_the_400_of_one_that_is_not_json(document):
    """A body that is not JSON is answered with 400 and an Error; adding papers did not
    say so (the writes of groups and reading together did, for their own 400s)."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    bodies = [
        (path, method, op) for path, method, op in operations(document) if "requestBody" in op
    ]
    assert len(bodies) >= 6
    for path, method, operation in bodies:
        assert operation["responses"].get("400", {}).get("content") == error, (path, method)


def test_every_operation_documents_the_errors_it_gives(document, api_as, world):
    """A key that names nothing (404), bad input in a parameter (422: ?page=0,
    /meetings/abc) and a since that is not the library's (410) were answered but not
    documented by reads; the document said a read answers 200, 304, 400, 401 or 429."""
    paths = document["paths"]
    validation = {"$ref": "#/components/schemas/ValidationErrors"}
    for path, method, operation in operations(document):
        responses, parameters = operation["responses"], operation.get("parameters", [])
        queried = [p for p in parameters if p["in"] == "query" or p["schema"]["type"] != "string"]
        if queried or "requestBody" in operation:
            assert responses["422"]["content"]["application/json"]["schema"] == validation, (
                path,
                method,
            )
        else:
            assert "422" not in responses, (path, method)  # a slug is any text
        if any(parameter["in"] == "path" for parameter in parameters):
            assert "404" in responses, (path, method)
        if any(parameter["name"] == "since" for parameter in parameters):
            assert "410" in responses, (path, method)
    assert "404" in paths["/api/v1/notes/{slug}"]["get"]["responses"]
    assert {"404", "422"} <= set(paths["/api/v1/meetings/{meeting_id}"]["get"]["responses"])
    assert {"410", "422"} <= set(paths["/api/v1/sync"]["get"]["responses"])
    assert "404" not in paths["/api/v1/notes"]["get"]["responses"]
    # No revision is asked of a write that makes something or sets a status; a new note
    # names no record by its key in the path.
    for path, method in [
        ("/notes", "post"),
        ("/comments", "post"),
        ("/papers/{slug}/status", "put"),
    ]:
        assert not {"412", "428"} & set(paths[f"/api/v1{path}"][method]["responses"]), path
    assert "404" not in paths["/api/v1/notes"]["post"]["responses"]
    # As the API answers them.
    caller = api_as(world.member)
    assert caller.get("/notes?page=0").status_code == 422
    assert caller.get("/meetings/abc").status_code == 422
    assert caller.get("/notes/no-such-note").status_code == 404
    assert caller.get("/notes?since=999999").status_code == 410
