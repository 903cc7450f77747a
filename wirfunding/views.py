from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A German page in the site layout instead of Django's English CSRF page."""
    return render(request, "403_csrf.html", status=403)
