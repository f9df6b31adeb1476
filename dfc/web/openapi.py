"""The OpenAPI document says which errors each operation answers, all with one body
(`dfc.errors.ErrorBody`), so a client and a fuzzer can hold the API to it.

The statuses follow from what the operation is: anything can fail on our side (500); an
operation with parameters or a body can be sent them wrong (422); a body can be too large
(413); one that needs a token or key can be called without one (401) or by someone whose
role does not allow it (403); one with an id in its path can name a record that is not
there or not theirs (404), as can one naming a record by id (`family_id`) in its query or
body; a change can clash with what is there already (409). A route
declares any other error it answers in its own `responses=` (429, 503); its body is the
same."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from dfc.errors import ErrorBody

DESCRIPTIONS = {
    401: "Not signed in: no token or API key, or one that has expired or been revoked",
    403: "Signed in, but the caller's role or agreement does not allow this",
    404: "Not found, or outside the caller's organisation (the two look the same)",
    409: "Conflicts with what is there now; the detail says what to change first",
    413: "The body is larger than the limit (MAX_REQUEST_BYTES, or MAX_UPLOAD_BYTES for files)",
    422: "The request has problems: `field` or `problems` name each one",
    500: "Something went wrong on our side; nothing was saved",
}
WRITES = {"post", "put", "patch", "delete"}
ERROR_CONTENT = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")


def _names_a_record(operation: dict[str, Any], components: dict[str, Any]) -> bool:
    """A parameter or body field `..._id` names a record, which may not be there."""
    names = [parameter["name"] for parameter in operation.get("parameters", [])]
    for content in operation.get("requestBody", {}).get("content", {}).values():
        body = content.get("schema", {})
        body = components.get(body.get("$ref", "").rsplit("/", 1)[-1], body)
        names += list(body.get("properties", {}))
    return any(name.endswith("_id") for name in names)


def errors_answered(
    path: str, method: str, operation: dict[str, Any], components: dict[str, Any]
) -> set[int]:
    """The error statuses an operation answers, from what it is (see the module's note)."""
    statuses = {500}
    if operation.get("parameters") or "requestBody" in operation:
        statuses.add(422)
    if "requestBody" in operation:
        statuses.add(413)
    signed_in = bool(operation.get("security"))
    if signed_in:
        statuses |= {401, 403}
    if "{" in path or _names_a_record(operation, components):
        statuses.add(404)
    if signed_in and method in WRITES:
        statuses.add(409)
    return statuses


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Adds each operation's error statuses with ErrorBody, in place of FastAPI's own 422."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in errors_answered(path, method, operation, components):
                responses.setdefault(str(status), {"description": DESCRIPTIONS[status]})
            for status, response in responses.items():
                if int(status) < 400:
                    continue
                body = response.get("content", {}).get("application/json", {}).get("schema", {})
                if not body or body.get("$ref", "").endswith(FASTAPI_VALIDATION):
                    response["content"] = ERROR_CONTENT
                    response["description"] = DESCRIPTIONS.get(int(status), response["description"])
    for name in FASTAPI_VALIDATION:
        components.pop(name, None)
    error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(error_schema.pop("$defs", {}))
    components["ErrorBody"] = error_schema
    return schema


def install(app: FastAPI) -> None:
    """Makes the app's OpenAPI document (once, on first asking) with its errors documented."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    openapi_version=app.openapi_version,
                    summary=app.summary,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
