from typing import Any

from rest_framework.pagination import PageNumberPagination

from palermo.api.fields import INT64_MAX


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            biggest = self.max_page_size if parameter["name"] == self.page_size_query_param else INT64_MAX
            parameter["schema"].update({"minimum": 1, "maximum": biggest})
        return parameters
