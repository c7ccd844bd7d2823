-- dim_reference_labels
-- grain: one row: whether this connection's figures name only what the reference tables name (the publication's connections set `set variable sg_labels = 'reference'`; metrics.md, "Labels"), and the label each unnamed value is published under
-- params: none
-- reads: none
select
    coalesce(getvariable('sg_labels') = 'reference', false) as reference_only,
    'Service not in the services table' as other_service_label,
    'Category not in the categories table' as other_category_label,
    'Another agency' as other_destination_label
