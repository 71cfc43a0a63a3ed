from ninja import Router

router = Router(tags=["care capacity"])
