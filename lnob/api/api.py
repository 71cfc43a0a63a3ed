from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from lnob.api import errors
from lnob.api.auth import API_AUTH
from lnob.api.cases import router as cases_router
from lnob.api.coverage import router as coverage_router
from lnob.api.dedup import router as dedup_router
from lnob.api.forums import router as forums_router
from lnob.api.geo import router as geo_router
from lnob.api.giving import router as giving_router
from lnob.api.learning import router as learning_router
from lnob.api.matching import router as matching_router
from lnob.api.me import router as me_router
from lnob.api.networks import router as networks_router
from lnob.api.persons import router as persons_router
from lnob.api.reports import inbox_router
from lnob.api.reports import router as reports_router
from lnob.api.taxonomy import router as taxonomy_router
from lnob.api.transfers import router as transfers_router
from lnob.api.welfare import router as welfare_router
from lnob.api.workspaces import router as workspaces_router


class LnobAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return errors.document_errors(schema)


api = LnobAPI(
    title="LNOB API",
    version="1",
    description="Leave no one behind — REST API. Authenticate with `Authorization: Bearer <token>` "
    "(make one under Accounts → API tokens). Geography needs no authentication.",
    urls_namespace="api-1",
    auth=API_AUTH,  # deny by default: only operations that say auth=None are public
)
errors.install(api)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return errors.error_response(api, request, 404, [
        {"field": "", "code": "not_found", "message": _("Not found.")}])


api.add_router("/geo", geo_router)
api.add_router("/me", me_router)
api.add_router("/workspaces", workspaces_router)
api.add_router("/persons", persons_router)
api.add_router("/taxonomy", taxonomy_router)
api.add_router("/cases", cases_router)
api.add_router("/forums", forums_router)
api.add_router("/reports", reports_router)
api.add_router("/inbox", inbox_router)
api.add_router("/transfers", transfers_router)
api.add_router("/coverage", coverage_router)
api.add_router("/matching", matching_router)
api.add_router("/learning", learning_router)
api.add_router("/duplicates", dedup_router)
api.add_router("/giving", giving_router)
api.add_router("/welfare", welfare_router)
api.add_router("", networks_router)  # /networks, /volunteers, /funds, /committees
