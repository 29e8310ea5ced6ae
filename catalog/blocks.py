"""StreamField blocks for the long-form body of catalog pages."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=200,
        help_text="Describe the image for people who cannot see it. Required for accessibility.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "blocks/image_with_caption_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(help_text="A learner's or employer's words, without quotation marks.")
    attribution = blocks.CharBlock(required=False, max_length=120, help_text="Who said it, e.g. “Maria G.”")
    role = blocks.CharBlock(
        required=False, max_length=120, help_text="Their role, e.g. “Hiring manager, Mountain Health”."
    )

    class Meta:
        icon = "openquote"
        label = "Quote or testimonial"
        template = "blocks/quote_block.html"


class QuestionAnswerBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=250)
    answer = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])


class FAQBlock(blocks.StructBlock):
    heading = blocks.CharBlock(default="Frequently asked questions", max_length=120)
    questions = blocks.ListBlock(QuestionAnswerBlock(), min_num=1)

    class Meta:
        icon = "help"
        label = "FAQ"
        template = "blocks/faq_block.html"


class CallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    button_label = blocks.CharBlock(max_length=60, help_text="Say what happens, e.g. “Talk to an adviser”.")
    page = blocks.PageChooserBlock(required=False, help_text="Link to a page on this site…")
    url = blocks.URLBlock(required=False, help_text="…or to another website.")

    class Meta:
        icon = "pick"
        label = "Call to action"
        template = "blocks/call_to_action_block.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = "Choose a page or enter a web address (exactly one)."
            raise StructBlockValidationError(
                block_errors={"page": ValidationError(message), "url": ValidationError(message)}
            )
        return value


class BaseStreamBlock(blocks.StreamBlock):
    """The blocks editors can use in a page body; shared by every catalog page type."""

    paragraph = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul"], icon="pilcrow"
    )
    image = ImageWithCaptionBlock()
    quote = QuoteBlock()
    faq = FAQBlock()
    call_to_action = CallToActionBlock()
