"""Project views and the card's Sales & Projects and Collaboration tabs."""

from django.views.generic import TemplateView

from customers.views.card import CustomerCardMixin


class CustomerProjectsTabView(CustomerCardMixin, TemplateView):
    template_name = "projects/card/projects.html"
    card_tab = "projects"


class CustomerCollaborationTabView(CustomerCardMixin, TemplateView):
    template_name = "projects/card/collaboration.html"
    card_tab = "collaboration"
